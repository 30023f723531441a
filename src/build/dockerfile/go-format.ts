/**
 * The bits of Go's fmt and time the classic builder's history strings depend on
 * (`CMD ["sh" "-c"]` is `%q` of a []string, `HEALTHCHECK &{Test:[...] Interval:5s ...}` is
 * `%+v`). Go's strconv.Quote and durations live in util/.
 */
import { goQuote } from '../../util/go-quote';

export { goQuote };
export { formatGoDuration, parseGoDuration } from '../../util/go-duration';

/** fmt `%q` of a []string: `["a" "b"]`; `[]` for empty or nil. */
export function goQuoteSlice(v: readonly string[] | null | undefined): string {
  return '[' + (v ?? []).map(goQuote).join(' ') + ']';
}

/** fmt `%v` of a []string: `[a b]`. */
export function goSlice(v: readonly string[] | null | undefined): string {
  return '[' + (v ?? []).join(' ') + ']';
}
