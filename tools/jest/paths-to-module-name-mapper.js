// Maps tsconfig "paths" to Jest's moduleNameMapper so tests import libs the way the code does.
const path = require('node:path');

function pathsToModuleNameMapper(paths, root) {
  const mapper = {};
  for (const [alias, targets] of Object.entries(paths)) {
    mapper[`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`] = path.join(root, targets[0]);
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
