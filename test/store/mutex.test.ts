import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedMutex } from '../../src/store/mutex.ts';

/** A promise with its resolve function, to hold a task open until the test lets it finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets every queued promise callback and timer of this turn run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('KeyedMutex', () => {
  it('runs tasks on one key in call order', async () => {
    const mutex = new KeyedMutex();
    const first = gate();
    const order: string[] = [];

    const a = mutex.run('k', async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = mutex.run('k', async () => {
      order.push('b');
    });
    const c = mutex.run('k', async () => {
      order.push('c');
    });
    await settle();
    assert.deepEqual(order, ['a start']);

    first.open();
    await Promise.all([a, b, c]);
    assert.deepEqual(order, ['a start', 'a end', 'b', 'c']);
  });

  it('runs tasks on different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    const held = gate();

    const a = mutex.run('one', () => held.promise);
    const b = await mutex.run('two', async () => 'done');

    assert.equal(b, 'done');
    held.open();
    await a;
  });

  it('releases the key after a failing task', async () => {
    const mutex = new KeyedMutex();

    await assert.rejects(
      mutex.run('k', async () => {
        throw new Error('task failed');
      }),
      { message: 'task failed' },
    );
    assert.equal(await mutex.run('k', async () => 42), 42);
    assert.equal(mutex.size, 0);
  });

  it('forgets keys with no tasks', async () => {
    const mutex = new KeyedMutex();
    const held = gate();
    const running = mutex.run('k', () => held.promise);
    assert.equal(mutex.size, 1);

    held.open();
    await running;
    assert.equal(mutex.size, 0);
  });
});
