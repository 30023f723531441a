import type { NetworksTable } from '../../store';
import { isUniqueViolation } from '../../store';
import { ConflictError, InvalidParameterError, NotFoundError } from '../../util/errors';
import type { NetworkDoc } from './model';

/** The networks the daemon knows. Lookup follows Docker: full ID, exact name, then a unique ID prefix. */
export class NetworkRegistry {
  private readonly byId = new Map<string, NetworkDoc>();

  constructor(private readonly table: NetworksTable) {
    for (const row of table.list()) {
      const doc = JSON.parse(row.doc) as NetworkDoc;
      this.byId.set(doc.id, doc);
    }
  }

  all(): NetworkDoc[] {
    return [...this.byId.values()];
  }

  byName(name: string): NetworkDoc | null {
    for (const n of this.byId.values()) if (n.name === name) return n;
    return null;
  }

  tryGet(ref: string): NetworkDoc | null {
    const direct = this.byId.get(ref);
    if (direct) return direct;
    const named = this.byName(ref);
    if (named) return named;
    if (!/^[0-9a-f]+$/.test(ref)) return null;
    const found = [...this.byId.values()].filter((n) => n.id.startsWith(ref));
    if (found.length > 1) throw new InvalidParameterError(`network ${ref} is ambiguous (${found.length} matches found based on ID prefix)`);
    return found[0] ?? null;
  }

  get(ref: string): NetworkDoc {
    const n = this.tryGet(ref);
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }

  add(doc: NetworkDoc): void {
    try {
      this.table.put(doc.id, doc.name, doc);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`network with name ${doc.name} already exists`);
      throw e;
    }
    this.byId.set(doc.id, doc);
  }

  remove(doc: NetworkDoc): void {
    this.table.delete(doc.id);
    this.byId.delete(doc.id);
  }
}
