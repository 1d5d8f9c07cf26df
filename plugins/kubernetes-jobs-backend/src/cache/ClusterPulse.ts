/**
 * When a cluster was last heard from, shared by the watches of one cluster: an event on any of
 * them or an answered check shows that the apiserver answers, so a quiet cluster is checked once
 * per interval, not once per watch, and never because of a page view.
 */
export class ClusterPulse {
  heardAt = Date.now();
  private pending?: Promise<Error | undefined>;

  heard(): void {
    this.heardAt = Date.now();
  }

  /** Runs `check` unless one is in flight, whose outcome is then shared: its error, if any. */
  check(check: () => Promise<unknown>): Promise<Error | undefined> {
    this.pending ??= check()
      .then(
        () => {
          this.heard();
          return undefined;
        },
        (error: Error) => error,
      )
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
