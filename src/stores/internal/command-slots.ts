/** A bound on how many commands a store has in flight at once. */

/**
 * At most `size` holders at a time; the others wait in arrival order. A waiter may give up its place
 * (its time ran out), and a holder gives its slot back with {@link CommandSlots.release} exactly once.
 */
export class CommandSlots {
  readonly #size: number;
  #held = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Runs `run` once a slot is free: at once when one is, else after the holders before it. */
  take(run: () => void): void {
    if (this.#held < this.#size) {
      this.#held++;
      run();
    } else {
      this.#waiting.push(run);
    }
  }

  /** Gives up the place of `run`, which has not had its slot yet; false if it is not waiting (any more). */
  cancel(run: () => void): boolean {
    const index = this.#waiting.indexOf(run);
    if (index === -1) return false;
    this.#waiting.splice(index, 1);
    return true;
  }

  /** Gives a slot back: it passes to the longest waiter, if any. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#held--;
      return;
    }
    // On a fresh stack: a command that fails at once would otherwise start the next one inside this
    // call, and so on down the whole queue.
    queueMicrotask(next);
  }
}
