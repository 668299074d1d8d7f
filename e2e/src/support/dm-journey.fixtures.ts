import { randomUUID } from 'node:crypto';

import { AgentSocketProbe } from '@perch/gateway/testing';

import { type JourneyTarget } from './agent-journey.fixtures';
import { within } from './within.util';

async function api(target: JourneyTarget, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${target.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * A customer who follows the brand sends it a DM; it reaches a ready agent through the Account Activity
 * webhook, the classifier and the router; the agent sees the customer may receive DMs, follows them from
 * the brand, answers by DM, and X (the simulator) holds the brand's DM in the same conversation.
 */
export async function runDmJourney(target: JourneyTarget): Promise<{ interactionId: string; token: string; dmText: string }> {
  const customer = `dm_${randomUUID().slice(0, 8)}`;
  await target.simulator.createCustomer(customer, [target.brand]);
  const signIn = await fetch(`${target.gatewayUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(target.agent),
  });
  const token = ((await signIn.json()) as { token: string }).token;
  const socket = await AgentSocketProbe.connect(target.gatewayUrl, token);
  try {
    expect((await api(target, token, 'PUT', '/api/agents/me/presence', { state: 'ready' })).status).toBeLessThan(300);
    const dm = await target.simulator.directMessage(customer, target.brand, 'Hi, my card was charged twice for order #5521. Can you refund one?');

    const offer = await within('the DM offer', socket.next('offer', (o) => o.messageId === dm.id), 30_000);
    expect(offer).toMatchObject({ messageKind: 'dm', author: { username: customer } });
    expect(offer.conversationKey).toMatch(/:dm:\d+$/);
    socket.send({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId });
    await within('the accepted DM interaction', socket.next('interaction-accepted', (m) => m.interaction.id === offer.interactionId));

    const profile = await api(target, token, 'GET', `/api/interactions/${offer.interactionId}/customer`);
    expect(profile).toMatchObject({ status: 200, body: { username: customer, followsBrand: true, canDm: true, followedByBrand: false } });

    const follow = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/follow`);
    expect(follow.status).toBe(202);
    const followed = await within('the follow on X', socket.next('action-sent', (m) => m.entry.commandId === follow.body['commandId']));
    expect(followed.entry).toMatchObject({ action: 'follow', following: true });

    const text = 'Sorry about that! The duplicate charge is refunded; it shows within 3 days.';
    const answer = await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/dms`, { text });
    expect(answer).toMatchObject({ status: 202, body: { kind: 'dm', text } });
    const sent = await within('the DM on X', socket.next('action-sent', (m) => m.entry.commandId === answer.body['commandId']));
    expect(sent.entry).toMatchObject({ action: 'dm', status: 'sent', dmEventId: expect.stringMatching(/^\d+$/) });

    // X holds exactly one DM from the brand in the customer's conversation, and the transcript shows it.
    const onX = (await target.simulator.directMessagesOf(customer)).filter((m) => m.senderUsername === target.brand);
    expect(onX).toEqual([expect.objectContaining({ id: sent.entry.dmEventId, text, recipientUsername: customer, conversationId: dm.conversationId })]);
    const view = await api(target, token, 'GET', `/api/interactions/${offer.interactionId}`);
    const actions = (view.body['transcript'] as { kind: string; action?: string; status?: string }[]).filter((e) => e.kind === 'agent-action');
    expect(actions.map((e) => `${e.action}:${e.status}`)).toEqual(['follow:sent', 'dm:sent']);

    await api(target, token, 'POST', `/api/interactions/${offer.interactionId}/done`, { disposition: 'resolved' });
    await within('completion', socket.next('completed', (m) => m.interactionId === offer.interactionId));
    return { interactionId: offer.interactionId, token, dmText: dm.text };
  } finally {
    await socket.close();
  }
}
