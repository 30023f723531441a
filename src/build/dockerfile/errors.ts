import { InvalidParameterError } from '../../util/errors';

/**
 * A Dockerfile that cannot be parsed. The wording is the classic builder's of Docker 20.10
 * (API 1.41), which vendored BuildKit 0.8's frontend: `dockerfile parse error line 3: unknown
 * instruction: FOO`, `dockerfile parse error line 2: Unknown flag: foo`.
 */
export class DockerfileParseError extends InvalidParameterError {
  constructor(readonly line: number, readonly detail: string) {
    super(`dockerfile parse error line ${line}: ${detail}`);
  }
}

/** An error found while lexing, before its line is known; the parser adds the line. */
export class LineError extends Error {}
