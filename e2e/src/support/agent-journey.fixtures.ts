import { randomUUID } from 'node:crypto';

import { AgentSocketProbe } from '@perch/gateway/testing';

import { type SimulatorAdmin } from './simulator-admin.fixtures';
import { within } from './within.util';

export interface JourneyTarget {
  gatewayUrl: string;
  simulator: SimulatorAdmin;
  brand: string;
  agent: { username: string; password: string };
}

async function api(target: JourneyTarget, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${target.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/**
 * The journey every mode must pass: a customer tweets at the brand; a signed-in, ready agent receives the
 * offer on the WebSocket, accepts it, sees the classified tweet, replies, and marks it done; the reply is
 * on X in reply to the customer's tweet, with the mention, and in the interaction's transcript.
 */
export async function runAgentJourney(target: JourneyTarget): Promise<{ customerTweetId: string; replyTweetId: string; interactionId: string }> {
  const customer = `cust_${randomUUID().slice(0, 8)}`;
  await target.simulator.createCustomer(customer, [target.brand]);

  // Bad requests are refused with a 400 naming the fields, and nothing else happens.
  const badSignIn = await api(target, undefined, 'POST', '/api/auth/sign-in', { username: 42 });
  expect(badSignIn.status).toBe(400);
  expect(JSON.stringify(badSignIn.body)).toMatch(/password/);

  const signIn = await api(target, undefined, 'POST', '/api/auth/sign-in', target.agent);
  expect(signIn.status).toBe(201);
  const token = (signIn.body as { token: string }).token;

  const socket = await AgentSocketProbe.connect(target.gatewayUrl, token);
  try {
    const ready = await api(target, token, 'PUT', '/api/agents/me/presence', { state: 'ready' });
    expect(ready.status).toBeLessThan(300);

    const tweet = await target.simulator.tweet(customer, `@${target.brand} my order #${Math.floor(Math.random() * 9000) + 1000} is two weeks late and nobody answers. Where is it? This is awful service.`);

    const offer = await within('the offer', socket.next('offer', (o) => o.messageId === tweet.id));
    expect(offer.author.username).toBe(customer);
    expect(offer.sentiment).toBe('negative');
    expect(offer.actionability).toBe('actionable');

    socket.send({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId });
    const accepted = await within('the accepted interaction', socket.next('interaction-accepted', (m) => m.interaction.id === offer.interactionId));
    expect(accepted.interaction.firstMessage?.text).toBe(tweet.text);
    expect(accepted.interaction.classification?.sentiment).toBe('negative');

    const tooLong = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/replies`, { text: 'x'.repeat(300) });
    expect(tooLong.status).toBe(400);
    const empty = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/replies`, {});
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toMatch(/text/);

    const reply = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/replies`, {
      text: "So sorry about the wait! We've escalated your order and will update you within the hour.",
    });
    expect(reply.status).toBe(202);
    const sent = await within('the reply on X', socket.next('action-sent', (m) => m.interactionId === offer.interactionId));
    expect(sent.entry.tweetId).toMatch(/^\d+$/);

    const posted = (await target.simulator.tweetsOf(target.brand)).find((t) => t.id === sent.entry.tweetId);
    expect(posted).toBeDefined();
    expect(posted?.inReplyToTweetId).toBe(tweet.id);
    expect(posted?.text.startsWith(`@${customer} `)).toBe(true);
    expect(posted?.mentions.map((m) => m.toLowerCase())).toContain(customer.toLowerCase());

    const view = await api(target, token, 'GET', `/api/interactions/${offer.interactionId}`);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).toContain(sent.entry.tweetId ?? 'missing');

    const done = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/done`, { disposition: 'resolved', note: 'escalated to logistics' });
    expect(done.status).toBeLessThan(300);
    await within('completion', socket.next('completed', (m) => m.interactionId === offer.interactionId));
    return { customerTweetId: tweet.id, replyTweetId: sent.entry.tweetId ?? '', interactionId: offer.interactionId };
  } finally {
    await socket.close();
  }
}
