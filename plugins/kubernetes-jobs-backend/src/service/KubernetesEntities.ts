import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ENTITIES_FILTER } from './entitySelector';

/** The entities that name Kubernetes objects, as the catalog gave them to the plugin. */
export interface EntityCopy {
  entities: readonly Entity[];
  /** By entity ref as `stringifyEntityRef` writes it (lower case). */
  byRef: ReadonlyMap<string, Entity>;
  /** When the read that gave them started (`now()`): they are at least this recent. */
  readAt: number;
}

/**
 * A copy of the catalog's entities that name Kubernetes objects, read with the plugin's own
 * credentials, for views: the Jobs page and every read of one entity's Jobs would otherwise ask
 * the catalog per request (the whole list of those entities for the Jobs page, an O(organisation)
 * read per view and per refetch). The copy is never older than `maxAgeMs`: past half of it a read
 * starts in the background, past all of it callers wait for a new one. One read at a time.
 *
 * It says what entities exist and what they hold, never who may see them: each caller's right to
 * read an entity in the catalog is still decided per request, by the permission framework.
 */
export class KubernetesEntities {
  private copy?: EntityCopy;
  private reading?: Promise<EntityCopy>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      maxAgeMs: number;
      now?: () => number;
    },
  ) {}

  /** A copy at most `maxAgeMs` old. Rejects when the catalog cannot be read and none is. */
  async current(): Promise<EntityCopy> {
    const { maxAgeMs } = this.options;
    const copy = this.copy;
    const age = copy ? this.now() - copy.readAt : Infinity;
    if (copy && age < maxAgeMs) {
      if (age >= maxAgeMs / 2) {
        this.read().catch(error =>
          this.options.logger.warn(
            `kubernetes-jobs: could not read the catalog's entities ahead of time: ${error.message}`,
          ),
        );
      }
      return copy;
    }
    return this.read();
  }

  private read(): Promise<EntityCopy> {
    if (!this.reading) {
      const { catalog, auth } = this.options;
      const readAt = this.now();
      this.reading = (async () => {
        const { items } = await catalog.getEntities(
          { filter: KUBERNETES_ENTITIES_FILTER },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        const copy: EntityCopy = {
          entities: items,
          byRef: new Map(items.map(e => [stringifyEntityRef(e), e])),
          readAt,
        };
        this.copy = copy;
        return copy;
      })().finally(() => {
        this.reading = undefined;
      });
    }
    return this.reading;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
