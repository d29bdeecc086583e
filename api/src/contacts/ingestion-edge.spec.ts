import type { IncomingMessage } from 'node:http';
import { isEdgeRequest } from './ingestion-edge';

const request = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers }) as unknown as IncomingMessage;
const json = { 'content-type': 'application/json' };

describe('isEdgeRequest', () => {
  it.each([
    ['POST', '/api/events', json, true],
    ['POST', '/api/events?source=server', { 'content-type': 'application/json; charset=utf-8' }, true],
    ['GET', '/api/events', json, false],
    ['POST', '/api/events/', json, false],
    ['POST', '/API/EVENTS', json, false],
    ['POST', '/api/contacts', json, false],
    ['POST', '/api/events', { 'content-type': 'text/plain' }, false],
    ['POST', '/api/events', {}, false],
    ['POST', '/api/events', { ...json, origin: 'https://shop.example' }, false],
  ])('%s %s %j → %s (everything else is Express’s)', (method, url, headers, taken) => {
    expect(isEdgeRequest(request(method, url, headers))).toBe(taken);
  });
});
