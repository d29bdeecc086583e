// database and process suites start servers; 5 s (jest's default) is too short on a 2-core machine
jest.setTimeout(120_000);
