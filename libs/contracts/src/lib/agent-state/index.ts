export * from './agent-state.payload';
