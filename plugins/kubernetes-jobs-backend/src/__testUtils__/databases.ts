import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

const POSTGRES_IDS = [
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
] as const;

/**
 * SQLite, plus the PostgreSQL that scripts/test.sh starts (it sets
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING). In CI a missing PostgreSQL is an
 * error, so the database tests can never pass on SQLite alone there. Never Docker.
 */
export function createTestDatabases(): TestDatabases {
  const postgres = POSTGRES_IDS.filter(
    id =>
      process.env[
        `BACKSTAGE_TEST_DATABASE_${id.replace('_', '')}_CONNECTION_STRING`
      ],
  );
  if (!postgres.length && process.env.CI) {
    throw new Error(
      'No BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING: run the tests through scripts/test.sh, which starts PostgreSQL',
    );
  }
  const ids: TestDatabaseId[] = ['SQLITE_3', ...postgres];
  return TestDatabases.create({ ids, disableDocker: true });
}
