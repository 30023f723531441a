import type { EventMessage } from '../../api-types';
import type { Filters } from '../backends';

/** Docker's event filters: type, event, container, image, label, plus daemon/network/volume names. */
export function matchesEventFilters(e: EventMessage, f: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean): boolean => {
    const vals = f[key];
    return !vals || vals.length === 0 || vals.some(test);
  };
  const attrs = e.Actor.Attributes;
  const actionBase = e.Action.split(':')[0];
  return any('type', (v) => v === e.Type)
    && any('event', (v) => v === e.Action || v === actionBase)
    && any('container', (v) => e.Type === 'container' && (e.Actor.ID.startsWith(v) || attrs.name === v))
    && any('image', (v) => attrs.image === v || e.Actor.ID === v || (e.Type === 'image' && attrs.name === v))
    && any('label', (v) => {
      const i = v.indexOf('=');
      return i < 0 ? v in attrs : attrs[v.slice(0, i)] === v.slice(i + 1);
    })
    && any('network', (v) => e.Type === 'network' && (e.Actor.ID.startsWith(v) || attrs.name === v))
    && any('volume', (v) => e.Type === 'volume' && e.Actor.ID === v)
    && any('daemon', (v) => e.Type === 'daemon' && (e.Actor.ID === v || attrs.name === v));
}
