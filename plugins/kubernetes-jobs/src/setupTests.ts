import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The page and tab tests render whole Material UI tables and wait for several rounds of
// fetches; on a loaded 2-core machine one of them took longer than Jest's default 5 s.
// Give every test in this package room (and findBy/waitFor more than their 1 s default)
// instead of relying on a fast machine.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
