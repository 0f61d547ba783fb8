// Quiet logs unless a test turns them on; each test file gets a database
// of its own so files can run side by side.
process.env.LOG_LEVEL ??= 'SILENT';
process.env.ENV_STATE = 'dev';
process.env.MONGO_DB = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
