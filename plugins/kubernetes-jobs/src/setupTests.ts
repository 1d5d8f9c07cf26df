import '@testing-library/jest-dom';

// The page and tab tests render whole Material UI tables and wait for several rounds of
// fetches; on a loaded 2-core machine one of them took longer than Jest's default 5 s.
// Give every test in this package room instead of relying on a fast machine.
jest.setTimeout(60_000);
