export * from './agent-command.payload';
