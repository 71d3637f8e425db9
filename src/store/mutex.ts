/**
 * In-process mutual exclusion per key. Tasks on one key run one after another in call order,
 * and tasks on different keys run concurrently. Other processes are not excluded.
 */
export class KeyedMutex {
  /** Tail of each key's queue; a key is removed once its last task settles. */
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);

    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Number of keys with a running or waiting task. */
  get size(): number {
    return this.#tails.size;
  }
}
