// The loss ledger on hand-made measurements: no database.
import { describe, expect, it } from 'vitest';
import { LossLedger } from './ledger.js';

const customer = { oid: 1, schema: 'public', name: 'shop_customer' };
const order = { oid: 2, schema: 'public', name: 'shop_order' };
const phone = (present: number, lost: number, change: 'dropped' | 'retyped' | 'written' = 'dropped') =>
  ({ attnum: 3, name: 'phone', present, lost, nonNullBefore: 450, change });
const rows = (before: number, now: number | undefined, missing: number, moved = 0, movedTo: string[] = []) => ({ before, now, missing, moved, movedTo, references: [] });

describe('the loss ledger', () => {
  it('counts rows and a dropped table per step, and names the step', () => {
    const l = new LossLedger();
    l.rowsMeasured(0, customer, rows(500, 490, 10));
    l.rowsMeasured(1, order, rows(2000, undefined, 2000));
    const f = l.facts((oid) => (oid === 1 ? 500 : 2000));
    expect(f.forward.map((x) => [x.kind, x.step, x.table, x.lost])).toEqual([['rows', 0, 'shop_customer', 10], ['table', 1, 'shop_order', 2000]]);
    expect(l.dropped.has(2)).toBe(true);
  });

  it('rows that live on whole elsewhere are moved, not lost', () => {
    const l = new LossLedger();
    l.rowsMeasured(0, customer, rows(500, 470, 30, 30, ['shop_customer_archive']));
    l.rowsMeasured(1, order, rows(2000, undefined, 2000, 1500, ['shop_customer']));
    const f = l.facts(() => 0);
    expect(f.forward.map((x) => [x.kind, x.table, x.lost, x.to ?? null])).toEqual([
      ['moved', 'shop_customer', 30, ['shop_customer_archive']],
      ['moved', 'shop_order', 1500, ['shop_customer']],
      ['table', 'shop_order', 500, null],
    ]);
  });

  it('gives each step only the column values it lost itself (survival is cumulative)', () => {
    const l = new LossLedger();
    l.columnsMeasured(0, customer, [phone(450, 0)]);
    l.columnsMeasured(1, customer, [phone(450, 300)]);
    l.columnsMeasured(2, customer, [phone(450, 450)]);
    l.columnsMeasured(3, customer, [phone(450, 450)]);
    expect(l.facts(() => 500).forward.map((x) => [x.step, x.lost, x.after])).toEqual([[1, 300, 150], [2, 150, 0]]);
  });

  it('values rewritten in place are overwritten; dropped or retyped away they are lost', () => {
    const l = new LossLedger();
    l.columnsMeasured(0, customer, [phone(450, 20, 'written')]);
    l.columnsMeasured(1, customer, [phone(450, 50, 'retyped')]);
    expect(l.facts(() => 500).forward.map((x) => [x.kind, x.step, x.lost])).toEqual([['overwritten', 0, 20], ['column', 1, 30]]);
  });

  it('after the rollback, blames the step that lost the data forward when no reverse is seen losing it', () => {
    const l = new LossLedger();
    l.rowsMeasured(0, customer, rows(500, 500, 0));
    l.columnsMeasured(0, customer, [phone(450, 450)]);
    l.rowsMeasured(1, order, rows(2000, undefined, 2000));
    l.forwardDone((oid) => (oid === 1 ? customer : order));
    l.rolledBack(customer, 500, 500, 0);
    l.columnRolledBack(customer, { attnum: 3, name: 'phone', nonNullBefore: 450, present: 450, changed: 450, filled: 0 });
    l.rolledBack(order, 2000, undefined, 2000);
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

  it('names the migration whose reverse left values wrong, not the last one that touched the table', () => {
    const l = new LossLedger();
    // 0 copies phone to a new column (nothing lost), 1 drops phone (it lives on in the copy), 2 adds a column.
    l.columnsMeasured(0, customer, [phone(450, 0, 'written')]);
    l.columnsMeasured(1, customer, [phone(450, 0)]);
    l.columnsMeasured(2, customer, [phone(450, 0)]);
    // Reversing 2 and 1 keeps the values somewhere; reversing 0 drops the copy without copying back.
    l.backwardMeasured(2, `${customer.oid}.3`, 0);
    l.backwardMeasured(1, `${customer.oid}.3`, 0);
    l.backwardMeasured(0, `${customer.oid}.3`, 450);
    l.columnRolledBack(customer, { attnum: 3, name: 'phone', nonNullBefore: 450, present: 450, changed: 450, filled: 0 });
    expect(l.facts(() => 500).rollback.map((x) => [x.step, x.lost])).toEqual([[0, 450]]);
  });

  it('a filled NULL is not a rollback loss: it is counted as filled', () => {
    const l = new LossLedger();
    l.rolledBack(customer, 500, 500, 0);
    l.columnRolledBack(customer, { attnum: 3, name: 'phone', nonNullBefore: 450, present: 450, changed: 0, filled: 50 });
    const f = l.facts(() => 500);
    expect(f.rollback).toEqual([]);
    expect(f.tables[0]).toMatchObject({ table: 'shop_customer', filled: 50 });
  });

  it('leaves out of the rollback comparison what a step still applied touched', () => {
    const l = new LossLedger();
    l.rowsMeasured(0, order, rows(2000, 2000, 0));
    l.rowsMeasured(1, customer, rows(500, 500, 0));
    expect(l.rollbackCompares(order.oid, true, 0)).toBe(false);
    expect(l.rollbackCompares(customer.oid, true, 0)).toBe(true);
    expect(l.rollbackCompares(99, false, -1)).toBe(false);
  });

  it('records nothing for a step that lost nothing', () => {
    const l = new LossLedger();
    l.rowsMeasured(0, customer, rows(500, 500, 0));
    l.columnsMeasured(0, customer, [phone(450, 0)]);
    expect(l.facts(() => 500).forward).toEqual([]);
  });
});
