/**
 * One-time asynchronous set-up (creating a table) that runs lazily before the first query, is shared by
 * every caller meanwhile, and is tried again by the next caller if it failed: a store constructed while
 * its server is down starts working by itself once the server is back.
 */
export class RetryingOnce {
  readonly #task: () => Promise<void>;
  #done = false;
  #running: Promise<void> | undefined;

  /** @param task - The set-up; it must be safe to run again after a failure. */
  constructor(task: () => Promise<void>) {
    this.#task = task;
  }

  /** Whether the set-up has succeeded. */
  get done(): boolean {
    return this.#done;
  }

  /** Resolves once the set-up has succeeded; rejects with its error when this attempt fails. */
  run(): Promise<void> {
    if (this.#done) return Promise.resolve();
    this.#running ??= this.#task().then(
      () => {
        this.#done = true;
        this.#running = undefined;
      },
      (error: unknown) => {
        this.#running = undefined;
        throw error;
      },
    );
    return this.#running;
  }
}
