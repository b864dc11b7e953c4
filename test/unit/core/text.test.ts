/** One time format and one message prefix for everything a user reads (src/core/text.ts). */
import * as assert from 'node:assert/strict';
import { timeAgo, timeSpan, userMessage } from '../../../src/core/text';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const MIN = 60_000;

describe('core/text', () => {
  it('timeAgo: just now, minutes, hours up to 48, then days; unknown times said so', () => {
    assert.equal(timeAgo(NOW - 20_000, NOW), 'just now');
    assert.equal(timeAgo(NOW - 4 * MIN, NOW), '4 min ago');
    assert.equal(timeAgo(NOW - 47 * 60 * MIN, NOW), '47 h ago');
    assert.equal(timeAgo(NOW - 49 * 60 * MIN, NOW), '2 days ago');
    assert.equal(timeAgo(NaN, NOW), 'at an unknown time');
    // A clock that moved backwards is not a negative age.
    assert.equal(timeAgo(NOW + 5 * MIN, NOW), 'just now');
  });

  it('timeSpan reads as a duration', () => {
    assert.equal(timeSpan(NOW - 10_000, NOW), 'under a minute');
    assert.equal(timeSpan(NOW - 2 * MIN, NOW), '2 min');
    assert.equal(timeSpan(NOW - 3 * 60 * MIN, NOW), '3 h');
  });

  it('userMessage adds the prefix once', () => {
    assert.equal(userMessage('token saved'), 'GitOps Lens: token saved');
    assert.equal(userMessage('GitOps Lens could not start: x'), 'GitOps Lens could not start: x');
  });
});
