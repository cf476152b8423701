// Where the release could have put a value, on hand-made catalogs: no database.
import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../catalog.js';
import { placesFor, targetsFor, type ReleaseView } from './places.js';
import { valueType } from './values.js';

function table(oid: number, name: string, cols: Array<[number, string, string]>, fks: TableInfo['fks'] = []): TableInfo {
  return {
    oid, schema: 'public', name, filenode: oid, pk: [1], fks,
    columns: new Map(cols.map(([attnum, n, base]) => [attnum, { attnum, name: n, type: base, value: valueType(base) }])),
  };
}
const customer = table(1, 'customer', [[1, 'id', 'int8'], [2, 'is_active', 'bool'], [3, 'is_staff', 'bool'], [4, 'phone', 'varchar']]);
const order = table(2, 'order', [[1, 'id', 'int8'], [2, 'customer_id', 'int8'], [3, 'total', 'numeric']], [{ column: 2, refTable: 1, refColumn: 1 }]);

function view(over: Partial<ReleaseView>): ReleaseView {
  const snapshot = new Map([[1, customer], [2, order]]);
  return { snapshot, snapshotStats: new Map(), tables: snapshot, stats: new Map(), written: new Map(), ...over };
}

describe('places of the release', () => {
  it('a sibling column nobody wrote is no place: only columns the release added or wrote', () => {
    const now = table(1, 'customer', [[1, 'id', 'int8'], [2, 'is_active', 'bool'], [3, 'is_staff', 'bool'], [5, 'phone_e164', 'varchar']]);
    const v = view({ tables: new Map([[1, now], [2, order]]), written: new Map([[1, new Set([2])]]) });
    expect(placesFor(now, v)).toEqual([{ kind: 'row', columns: [now.columns.get(2), now.columns.get(5)] }]);
  });

  it('a table the release created that references the row is a place, all its columns but the reference', () => {
    const address = table(3, 'address', [[1, 'id', 'int8'], [2, 'customer_id', 'int8'], [3, 'phone', 'varchar']], [{ column: 2, refTable: 1, refColumn: 1 }]);
    const v = view({ tables: new Map([[1, customer], [2, order], [3, address]]) });
    const places = placesFor(customer, v);
    expect(places.map((p) => [p.kind, p.kind === 'row' ? '' : p.table.name, p.columns.map((c) => c.name)])).toEqual([
      ['referenced-by', 'address', ['id', 'phone']],
    ]);
  });

  it('an untouched table that references the row is no place', () => {
    expect(placesFor(customer, view({}))).toEqual([]);
  });

  it('a created or grown table holding the key is an archive; the row a snapshot foreign key points at is a linked target', () => {
    const archive = table(4, 'order_archive', [[1, 'id', 'int8'], [2, 'original_id', 'int8'], [3, 'total', 'numeric']]);
    const grown = table(1, 'customer', [[1, 'id', 'int8'], [2, 'is_active', 'bool'], [3, 'is_staff', 'bool'], [4, 'phone', 'varchar'], [5, 'total_spent', 'numeric']]);
    const v = view({ tables: new Map([[1, grown], [4, archive]]) });
    expect(targetsFor(order, v).map((t) => [t.kind, t.table.name])).toEqual([['archive', 'order_archive'], ['linked', 'customer']]);
    expect(targetsFor(order, view({ tables: new Map([[1, customer]]) }))).toEqual([]);
  });
});
