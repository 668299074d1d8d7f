// The embedded mode prints a banner for people; logs stay at warn unless asked for.
process.env['LOG_LEVEL'] ??= 'warn';
