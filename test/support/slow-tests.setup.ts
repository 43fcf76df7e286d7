// Integration and end-to-end tests start real apps and wait for projections; each wait has its
// own deadline (see `eventually`), this is only the outer bound.
jest.setTimeout(300_000);
