// The loss ledger on hand-made measurements: no database.
import { describe, expect, it } from 'vitest';
import { LossLedger } from './ledger.js';

const customer = { oid: 1, schema: 'public', name: 'shop_customer' };
const order = { oid: 2, schema: 'public', name: 'shop_order' };
const phone = (present: number, lost: number) => ({ attnum: 3, name: 'phone', present, lost, nonNullBefore: 450 });

describe('the loss ledger', () => {
  it('counts rows and a dropped table per step, and names the step', () => {
    const l = new LossLedger();
    l.forwardTouched(0, customer, 500, 490);
    l.forwardTouched(1, order, 2000, undefined);
    const f = l.facts((oid) => (oid === 1 ? 500 : 2000));
    expect(f.forward.map((x) => [x.kind, x.step, x.table, x.lost])).toEqual([['rows', 0, 'shop_customer', 10], ['table', 1, 'shop_order', 2000]]);
    expect(l.dropped.has(2)).toBe(true);
  });

  it('gives each step only the column values it lost itself (survival is cumulative)', () => {
    const l = new LossLedger();
    l.columnsSurvived(0, customer, [phone(450, 0)]);
    l.columnsSurvived(1, customer, [phone(450, 300)]);
    l.columnsSurvived(2, customer, [phone(450, 450)]);
    l.columnsSurvived(3, customer, [phone(450, 450)]);
    expect(l.facts(() => 500).forward.map((x) => [x.step, x.lost, x.after])).toEqual([[1, 300, 150], [2, 150, 0]]);
  });

  it('after the rollback, blames the step that lost the data forward, and counts a table still gone', () => {
    const l = new LossLedger();
    l.forwardTouched(0, customer, 500, 500);
    l.columnsSurvived(0, customer, [phone(450, 450)]);
    l.forwardTouched(1, order, 2000, undefined);
    l.forwardDone((oid) => (oid === 1 ? customer : order));
    l.rolledBack(customer, 500, 500);
    l.columnRolledBack(customer, { attnum: 3, name: 'phone', nonNullBefore: 450, present: 450, changed: 450 });
    l.rolledBack(order, 2000, undefined);
    const f = l.facts((oid) => (oid === 1 ? 500 : 2000));
    expect(f.rollback.map((x) => [x.kind, x.step, x.table, x.column, x.lost])).toEqual([
      ['column', 0, 'shop_customer', 'phone', 450],
      ['table', 1, 'shop_order', undefined, 2000],
    ]);
    expect(f.tables).toEqual([
      { table: 'shop_customer', rowsBefore: 500, rowsAfterForward: 500, rowsAfterBackward: 500 },
      { table: 'shop_order', rowsBefore: 2000, rowsAfterForward: 0, rowsAfterBackward: 0 },
    ]);
  });

  it('leaves out of the rollback comparison what a step still applied touched', () => {
    const l = new LossLedger();
    l.forwardTouched(0, order, 2000, 2000);
    l.forwardTouched(1, customer, 500, 500);
    expect(l.rollbackCompares(order.oid, true, 0)).toBe(false);
    expect(l.rollbackCompares(customer.oid, true, 0)).toBe(true);
    expect(l.rollbackCompares(99, false, -1)).toBe(false);
  });

  it('records nothing for a step that lost nothing', () => {
    const l = new LossLedger();
    l.forwardTouched(0, customer, 500, 500);
    l.columnsSurvived(0, customer, [phone(450, 0)]);
    expect(l.facts(() => 500).forward).toEqual([]);
  });
});
