import { CRASH_AT_ENV, crashPoint } from './crash-point.util';

describe(crashPoint.name, () => {
  const original = process.env[CRASH_AT_ENV];
  // The real signal would end the test runner: process.kill is observed, not performed.
  let kill: jest.SpyInstance;

  beforeEach(() => {
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  });

  afterEach(() => {
    kill.mockRestore();
    if (original === undefined) delete process.env[CRASH_AT_ENV];
    else process.env[CRASH_AT_ENV] = original;
  });

  it('SIGKILLs its own process at the crash point named by PERCH_CRASH_AT', () => {
    process.env[CRASH_AT_ENV] = 'ingestor.after-claim';
    crashPoint('ingestor.after-claim');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });

  it('does nothing at any other crash point', () => {
    process.env[CRASH_AT_ENV] = 'ingestor.after-claim';
    crashPoint('ingestor.after-publish');
    expect(kill).not.toHaveBeenCalled();
  });

  it('does nothing when PERCH_CRASH_AT is unset', () => {
    delete process.env[CRASH_AT_ENV];
    crashPoint('ingestor.after-claim');
    expect(kill).not.toHaveBeenCalled();
  });
});
