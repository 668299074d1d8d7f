import { RECORD_COUNTER_FACT_SCRIPT } from '@perch/routing';

import { RECORD_SERIES_FACT_SCRIPT } from './interaction-series.script';

/**
 * The supervisor facts of a batch of lifecycle events in one call (ADR 37 and its amendment: one call per batch
 * instead of one per event). Both stores' scripts run as they are, each body seeing only its own two KEYS and its own
 * ARGV, in the order the events came.
 * KEYS: for each event, its counter fact's two keys (when it has one), then its series fact's two (when it has one).
 * ARGV: for each event, the counter script's argument count (-1: no counter fact) and the series script's (-1: none),
 * then those arguments. Returns, per event, {counter outcome or nil, series 1|0 or nil}.
 */
export const RECORD_SUPERVISOR_FACTS_SCRIPT = `
local function record_counter(KEYS, ARGV)
${RECORD_COUNTER_FACT_SCRIPT}
end
local function record_series(KEYS, ARGV)
${RECORD_SERIES_FACT_SCRIPT}
end
local function args_from(at, n)
  local out = {}
  for i = 1, n do out[i] = ARGV[at + i - 1] end
  return out
end
local results = {}
local key, at = 1, 1
while at <= #ARGV do
  local counter_n, series_n = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  at = at + 2
  local counter, series = false, false
  if counter_n >= 0 then
    counter = record_counter({KEYS[key], KEYS[key + 1]}, args_from(at, counter_n))
    key, at = key + 2, at + counter_n
  end
  if series_n >= 0 then
    series = record_series({KEYS[key], KEYS[key + 1]}, args_from(at, series_n))
    key, at = key + 2, at + series_n
  end
  results[#results + 1] = {counter, series}
end
return results
`;
