// The e2e tier's setup: the services as for every tier, and the time its namespaces start from, so that its teardown
// removes exactly the namespaces this run made (their names end with the Date.now() they were made at).
const globalSetup = require('./global-setup');

module.exports = async function e2eGlobalSetup() {
  globalThis.__PERCH_E2E_STARTED_AT__ = Date.now();
  await globalSetup();
};
