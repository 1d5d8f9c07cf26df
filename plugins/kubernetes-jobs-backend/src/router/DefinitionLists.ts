import { createHash } from 'node:crypto';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  DefinitionListResponse,
  DefinitionPageQuery,
  kubernetesJobsReadPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { DefinitionReader } from '../service/DefinitionReader';
import { CurrentVersionMap, ListVersion } from '../service/ListVersion';
import { EntitySelector, entitySelectorOf } from '../service/entitySelector';
import { AnswerDeps, answerDeps, stillShown } from './answerDeps';
import { catalogDecisionTest } from './catalogDecision';
import { EntityGuard } from './guard';

/** How many answers of one version are kept to be shared (a page of 50 is ~60 KB). */
const MAX_SHARED_ANSWERS = 100;

/** Whose Jobs a caller may see: one entity's, or those of the readable entities. */
type ListScope =
  | { entity: EntitySelector }
  | {
      selectors: EntitySelector[];
      readable: Set<string>;
      includeUnlinked: boolean;
    };

/** A list answer being built, or built: its JSON, then the ETag of that JSON. */
interface SharedAnswer {
  body: Promise<string>;
  etag?: string;
  /** The list count it was built at (or last found still true at). */
  count: number;
  /** The definitions version it was built at. */
  definitions: string;
  /** What it depends on among runs and history, once built. */
  deps?: AnswerDeps;
}

/** How many questions' latest answers are kept, to be checked rather than built again. */
const MAX_LATEST_ANSWERS = 200;

/** A strong ETag: the same JSON, the same tag. */
function contentTag(body: string): string {
  return `"${createHash('sha256')
    .update(body)
    .digest('base64url')
    .slice(0, 27)}"`;
}

/** What a scope's answer depends on, for its key. */
function fingerprint(scope: ListScope) {
  const selector = (s: EntitySelector) => [
    s.entityRef,
    s.ownerRef,
    s.labelSelector.source,
    s.namespace,
    s.cluster,
  ];
  if ('entity' in scope) return selector(scope.entity);
  return [
    scope.selectors.map(selector),
    [...scope.readable].sort(),
    scope.includeUnlinked,
  ];
}

/**
 * The lists of definitions (the entity tab, the Jobs page): whose Jobs the caller may see,
 * decided by the guard first, then the answer, kept and shared under a version so that an
 * unchanged one costs nothing and is a 304.
 */
export class DefinitionLists {
  constructor(
    private readonly options: {
      guard: EntityGuard;
      definitions: DefinitionReader;
      /** Tags list answers, so that an unchanged one costs nothing; without it, none is tagged. */
      version?: ListVersion;
    },
  ) {}

  /** One entity's definitions, or every definition of every entity the caller may read. */
  async listDefinitions(
    credentials: BackstageCredentials,
    entityRef?: string,
    page?: DefinitionPageQuery,
  ): Promise<DefinitionListResponse> {
    return this.listIn(await this.listScope(credentials, entityRef), page);
  }

  /**
   * {@link DefinitionLists.listDefinitions} as JSON ready to send, with the ETag of its
   * content. `known` is the caller's If-None-Match: when it is the answer's ETag, `body` is
   * absent (a 304). Authorization comes first, always. With a list version:
   *
   * - an answer is kept under its key (the caller's scope, the question, the version read
   *   before building): while nothing moves, an answer the caller has costs nothing, and
   *   browsers that heard the same hint share one answer;
   * - the latest answer to each question is kept too: after something moved, it is checked
   *   against what moved (see {@link stillShown}) and, when still true, given again without
   *   being built; when not, the answer is built again, and is still a 304 for the caller who
   *   has it if it came out the same.
   */
  async listDefinitionsTagged(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
    page: DefinitionPageQuery | undefined,
    known: string | undefined,
  ): Promise<{ etag: string; body?: string }> {
    const scope = await this.listScope(credentials, entityRef);
    const { version } = this.options;
    if (!version) {
      const body = JSON.stringify(await this.listIn(scope, page));
      const etag = contentTag(body);
      return etag === known ? { etag } : { etag, body };
    }
    let scopeKey = this.scopeKeys.get(scope);
    if (scopeKey === undefined) {
      scopeKey = version.scopeKey(fingerprint(scope));
      this.scopeKeys.set(scope, scopeKey);
    }
    const key = version.key(scopeKey, page ?? null);
    const question = version.question(scopeKey, page ?? null);
    let shared = this.answers.get(key);
    if (!shared) {
      const latest = this.latest.get(question);
      if (latest && (await this.stillTrue(latest))) {
        shared = latest;
        this.share(key, latest);
      }
    }
    if (shared?.etag !== undefined && shared.etag === known) {
      return { etag: known };
    }
    if (!shared) {
      // Read before building: a change while it is built makes it older, never newer.
      const entry: SharedAnswer = {
        count: version.current(),
        definitions: version.definitionsVersion(),
        body: this.listIn(scope, page, scopeKey).then(answer => {
          const body = JSON.stringify(answer);
          entry.etag = contentTag(body);
          entry.deps = answerDeps(answer, page);
          return body;
        }),
      };
      shared = entry;
      this.share(key, entry);
      // The whole list is the size of the organisation: shared while nothing moves, not kept.
      if (entityRef || page) {
        this.latest.delete(question);
        this.latest.set(question, entry);
        entry.body.catch(() => {
          if (this.latest.get(question) === entry) this.latest.delete(question);
        });
        if (this.latest.size > MAX_LATEST_ANSWERS) {
          this.latest.delete(this.latest.keys().next().value!);
        }
      }
    }
    const body = await shared.body;
    const etag = shared.etag!;
    return etag === known ? { etag } : { etag, body };
  }

  /** Keeps `entry` under `key`, with the other answers of the current version only. */
  private share(key: string, entry: SharedAnswer): void {
    this.answers.set(key, entry);
    entry.body.catch(() => this.answers.delete(key));
  }

  /**
   * Whether a built answer is still what would be built now: the same minute and definitions
   * version, and nothing that moved since concerns it. Found true, it counts as built now.
   */
  private async stillTrue(entry: SharedAnswer): Promise<boolean> {
    const version = this.options.version!;
    const { deps } = entry;
    if (!deps || entry.definitions !== version.definitionsVersion()) {
      return false;
    }
    const now = version.current();
    const changed = version.changedSince(entry.count);
    if (!changed) return false;
    const still = await stillShown(deps, changed, keys =>
      this.options.definitions.lastRunTimes(keys),
    );
    if (still && entry.definitions === version.definitionsVersion()) {
      entry.count = Math.max(entry.count, now);
      return true;
    }
    return false;
  }

  /** Answers by key: a key names one answer, so it can be shared. */
  private readonly answers = new CurrentVersionMap<SharedAnswer>(
    MAX_SHARED_ANSWERS,
  );
  /** The latest answer to each question (scope and query), least recently built first. */
  private readonly latest = new Map<string, SharedAnswer>();

  /** Whose Jobs the caller may see, resolved and authorized. */
  private async listScope(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
  ): Promise<ListScope> {
    if (entityRef) {
      const selector = await this.options.guard.authorizeOnEntity(
        credentials,
        kubernetesJobsReadPermission,
        entityRef,
      );
      return { entity: selector };
    }
    // Every entity the caller may read, and one decision on reading Jobs, for all of them.
    const { entities, jobsRead: decision } =
      await this.options.guard.kubernetesEntities(credentials);
    const known = this.scopes.get(entities)?.get(decision);
    if (known) return known;
    const claims = entities.flatMap(entity => {
      try {
        const selector = entitySelectorOf(entity);
        return selector ? [{ entity, selector }] : [];
      } catch {
        return []; // an entity with a broken selector hides only its own Jobs
      }
    });
    const selectors = claims.map(c => c.selector);
    // The decision applied here to the entities already read, with the catalog's own rules;
    // when one of them cannot be decided here, every entity is asked, in one call, as before.
    const test = catalogDecisionTest(decision);
    let allowed = test && claims.map(c => test(c.entity));
    if (!allowed || allowed.some(a => a === undefined)) {
      allowed = await this.options.guard.allowed(
        credentials,
        kubernetesJobsReadPermission,
        selectors.map(s => s.entityRef),
      );
      // Asked per entity: nothing to keep.
      return this.scopeOf(selectors, allowed, decision);
    }
    const scope = this.scopeOf(selectors, allowed, decision);
    let byDecision = this.scopes.get(entities);
    if (!byDecision) {
      byDecision = new WeakMap();
      this.scopes.set(entities, byDecision);
    }
    byDecision.set(decision, scope);
    return scope;
  }

  /** The key of each scope kept in {@link AuthorizedOperations.scopes}: hashed once. */
  private readonly scopeKeys = new WeakMap<ListScope, string>();

  /**
   * Scopes by the entities the caller may read and the caller's decision on reading Jobs: while
   * both are the same objects (a caller's views within viewCacheSeconds, the same copy of the
   * catalog), a refetch neither tests every entity again nor hashes its scope again.
   */
  private readonly scopes = new WeakMap<
    readonly Entity[],
    WeakMap<PolicyDecision, ListScope>
  >();

  private scopeOf(
    selectors: EntitySelector[],
    allowed: Array<boolean | undefined>,
    decision: PolicyDecision,
  ): ListScope {
    return {
      selectors,
      readable: new Set(
        selectors.filter((_s, i) => allowed[i] === true).map(s => s.entityRef),
      ),
      // Definitions no entity claims have no owner to check against: shown only when the
      // policy allows reading outright, without conditions.
      includeUnlinked: decision.result === AuthorizeResult.ALLOW,
    };
  }

  private listIn(
    scope: ListScope,
    page: DefinitionPageQuery | undefined,
    scopeKey?: string,
  ): Promise<DefinitionListResponse> {
    const { definitions } = this.options;
    if ('entity' in scope) {
      return definitions.listForEntity(scope.entity);
    }
    // Filtered before paging and counting: neither a page nor a total reveals what the caller
    // may not see.
    return definitions.listAll(scope.selectors, {
      includeUnlinked: scope.includeUnlinked,
      readable: scope.readable,
      page,
      scopeKey,
    });
  }
}
