// Each fault scenario runs minutes against a real broker and database, with its own deadlines
// (see `eventually`); this is only the outer bound.
jest.setTimeout(900_000);
