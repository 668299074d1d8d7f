import { RECORD_COUNTER_FACT_SCRIPT } from '@perch/routing';

import { RECORD_SERIES_FACT_SCRIPT } from './interaction-series.script';

/**
 * KEYS: the counter script's two keys, then the series script's two. ARGV: n, the counter script's n arguments, then
 * the series script's. Both scripts as they are (their bodies see only their own KEYS and ARGV), run in one call:
 * one round trip per lifecycle event instead of two. Returns {counter outcome, series 1|0}.
 */
export const RECORD_SUPERVISOR_FACTS_SCRIPT = `
local function record_counter(KEYS, ARGV)
${RECORD_COUNTER_FACT_SCRIPT}
end
local function record_series(KEYS, ARGV)
${RECORD_SERIES_FACT_SCRIPT}
end
local n = tonumber(ARGV[1])
local counter_args, series_args = {}, {}
for i = 2, n + 1 do counter_args[#counter_args + 1] = ARGV[i] end
for i = n + 2, #ARGV do series_args[#series_args + 1] = ARGV[i] end
return {record_counter({KEYS[1], KEYS[2]}, counter_args), record_series({KEYS[3], KEYS[4]}, series_args)}
`;
