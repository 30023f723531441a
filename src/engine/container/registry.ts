import type { ContainersTable } from '../../store';
import { isUniqueViolation } from '../../store';
import { ConflictError, InvalidParameterError, NotFoundError } from '../../util/errors';
import { shortId } from '../../util/ids';
import type { ContainerDoc } from './model';
import { statusOf } from './model';

/**
 * The containers the daemon knows, in memory and in berth.db. Lookup follows Docker: full
 * ID, name (with or without "/"), then a unique ID prefix.
 */
export class ContainerRegistry {
  private readonly byId = new Map<string, ContainerDoc>();
  private readonly byName = new Map<string, string>();

  constructor(private readonly table: ContainersTable) {
    for (const row of table.list()) {
      const doc = JSON.parse(row.doc) as ContainerDoc;
      this.byId.set(doc.id, doc);
      this.byName.set(doc.name, doc.id);
    }
  }

  all(): ContainerDoc[] {
    return [...this.byId.values()];
  }

  tryGet(ref: string): ContainerDoc | null {
    const direct = this.byId.get(ref);
    if (direct) return direct;
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const byName = this.byName.get(name);
    if (byName) return this.byId.get(byName) ?? null;
    if (!/^[0-9a-f]+$/.test(ref)) return null;
    let found: ContainerDoc | null = null;
    for (const [id, doc] of this.byId) {
      if (!id.startsWith(ref)) continue;
      if (found) throw new InvalidParameterError(`Multiple IDs found with provided prefix: ${ref}`);
      found = doc;
    }
    return found;
  }

  get(ref: string): ContainerDoc {
    if (ref === '') throw new NotFoundError('No such container: ');
    const doc = this.tryGet(ref);
    if (!doc) throw new NotFoundError(`No such container: ${ref}`);
    return doc;
  }

  nameInUse(name: string): string | null {
    return this.byName.get(name) ?? null;
  }

  /** Adds a new container; a taken name gives Docker's 409. */
  add(doc: ContainerDoc): void {
    this.assertNameFree(doc.name, doc.id);
    try {
      this.table.put(doc.id, doc.name, doc);
    } catch (e) {
      if (isUniqueViolation(e)) this.assertNameFree(doc.name, doc.id, true);
      throw e;
    }
    this.byId.set(doc.id, doc);
    this.byName.set(doc.name, doc.id);
  }

  /** Persists the current document (call after every state change that must survive a crash). */
  save(doc: ContainerDoc): void {
    doc.state.Status = statusOf(doc.state);
    if (!this.byId.has(doc.id)) return; // removed meanwhile
    this.table.put(doc.id, doc.name, doc);
  }

  rename(doc: ContainerDoc, newName: string): void {
    this.assertNameFree(newName, doc.id);
    const old = doc.name;
    doc.name = newName;
    try {
      this.table.put(doc.id, doc.name, doc);
    } catch (e) {
      doc.name = old;
      throw e;
    }
    this.byName.delete(old);
    this.byName.set(newName, doc.id);
  }

  remove(doc: ContainerDoc): void {
    this.table.delete(doc.id);
    this.byId.delete(doc.id);
    if (this.byName.get(doc.name) === doc.id) this.byName.delete(doc.name);
  }

  private assertNameFree(name: string, id: string, force = false): void {
    const holder = this.byName.get(name);
    if ((holder && holder !== id) || force) {
      throw new ConflictError(
        `Conflict. The container name "/${name}" is already in use by container "${holder ?? 'unknown'}". ` +
        'You have to remove (or rename) that container to be able to reuse that name.');
    }
  }
}

export function describe(doc: ContainerDoc): string {
  return shortId(doc.id);
}
