export * from './telephony-call-request.payload';
