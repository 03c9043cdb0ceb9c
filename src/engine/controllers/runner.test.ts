import { describe, expect, it } from 'vitest';
import { newFixture } from '../testing/fixture';

/** A controller whose reconcile records the keys it is given and runs `also` for each. */
function setup(also: (key: string) => void = () => undefined) {
  const f = newFixture();
  const c = f.ctx.newController('test-controller');
  const seen: string[] = [];
  c.onReconcile((key) => {
    seen.push(key);
    also(key);
  });
  return { f, c, seen };
}

describe('Controller work queue', () => {
  it('runs keys in arrival order, each queued key once', () => {
    const { c, seen } = setup();
    for (const k of ['a', 'b', 'a', 'c', 'b']) c.enqueue(k);
    expect(c.queueLength()).toBe(3);
    while (c.hasWork()) c.runOne();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('runs a key queued during its own reconcile once more, after the others', () => {
    let again = true;
    const { c, seen } = setup((key) => {
      if (key === 'a' && again) {
        again = false;
        c.enqueue('a');
        c.enqueue('a');
        c.enqueue('d');
      }
    });
    for (const k of ['a', 'b']) c.enqueue(k);
    while (c.hasWork()) c.runOne();
    expect(seen).toEqual(['a', 'b', 'd', 'a']);
  });

  it('keeps its order over many items (the consumed front is dropped now and then)', () => {
    const { c, seen } = setup();
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    for (const k of keys.slice(0, 3000)) c.enqueue(k);
    for (let i = 0; i < 2500; i++) c.runOne();
    for (const k of keys.slice(3000)) c.enqueue(k);
    c.enqueue('k2999'); // still queued: no duplicate
    c.enqueue('k0'); // done already: queued again, last
    while (c.hasWork()) c.runOne();
    expect(seen).toEqual([...keys, 'k0']);
  });

  it('requeues a failing key with back-off and forgets the queue on stop', () => {
    const { f, c, seen } = setup((key) => {
      if (key === 'bad') throw new Error('boom');
    });
    c.enqueue('bad');
    c.runOne();
    expect(c.hasWork()).toBe(false);
    f.advance(5);
    expect(seen).toEqual(['bad', 'bad']);
    c.enqueue('x');
    c.stop();
    expect([c.hasWork(), c.queueLength()]).toEqual([false, 0]);
  });
});
