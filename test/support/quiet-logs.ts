import { setLogSink } from '../../lib/http/log.js';

// Request log lines would drown the test report; tests that check logs install their own sink.
setLogSink(() => {});
