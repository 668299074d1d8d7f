import { chance, createRandom, intBetween, normal, pick, type Random } from './prng.util';

export interface CustomerProfile {
  username: string;
  name: string;
  description: string;
  location: string;
  verified: boolean;
  createdAt: string;
  followersCount: number;
  followingCount: number;
  tweetCount: number;
  listedCount: number;
  likeCount: number;
}

const FIRST = [
  'maria', 'james', 'priya', 'tom', 'aisha', 'liam', 'sofia', 'noah', 'chloe', 'mateo', 'emma', 'oliver',
  'zoe', 'lucas', 'mia', 'ethan', 'amara', 'leo', 'hannah', 'kai', 'nina', 'omar', 'grace', 'diego',
  'ruby', 'sam', 'yuki', 'ben', 'fatima', 'jack', 'ivy', 'felix', 'lena', 'arjun', 'sara', 'dan',
  'kate', 'marco', 'jess', 'tariq', 'ella', 'finn', 'rosa', 'alex', 'bella', 'hugo', 'tara', 'nate',
];
const LAST = [
  'smith', 'garcia', 'patel', 'nguyen', 'brown', 'okafor', 'rossi', 'kim', 'martin', 'silva', 'murphy',
  'khan', 'lopez', 'walker', 'jensen', 'cohen', 'dubois', 'mueller', 'sato', 'obrien', 'reyes', 'novak',
  'hughes', 'ali', 'baker', 'costa', 'wright', 'fischer', 'moreno', 'evans', 'park', 'osei',
];
const BIO = [
  'coffee first', 'dog mum', 'runner, reader, occasional baker', 'software person', 'nurse',
  'teacher by day', 'football and films', 'opinions my own', 'plant collector', 'gamer',
  'photographer', 'student', 'dad of two', 'travel when I can', 'just here for the memes', '',
  'small business owner', 'music nerd', 'cyclist', 'always hungry',
];
const PLACES = [
  'London, England', 'Dublin', 'Berlin', 'Austin, TX', 'Toronto', 'Manchester', 'Sydney', 'Lagos',
  'Mumbai', 'Paris', 'Chicago, IL', 'Lisbon', 'Glasgow', 'Amsterdam', '', 'somewhere', 'NYC',
];

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function username(random: Random, first: string, last: string): string {
  const yy = String(intBetween(random, 70, 99 + 10) % 100).padStart(2, '0');
  const n = intBetween(random, 1, 999);
  const patterns = [
    `${first}${last}`,
    `${first}_${last}`,
    `${first}${last.charAt(0)}${n}`,
    `the${first}${last.charAt(0)}`,
    `${first}_${yy}`,
    `its${first}`,
    `${first}${last}${yy}`,
    `${cap(first)}${cap(last)}`,
    `${first.charAt(0)}${last}_`,
    `real${cap(first)}`,
  ];
  return pick(random, patterns).slice(0, 15);
}

/** Followers and the like are heavy-tailed on X: most accounts are small, a few are large. */
function logNormal(random: Random, median: number, spread: number, max: number): number {
  return Math.min(max, Math.max(0, Math.round(median * Math.exp(normal(random) * spread))));
}

/** N plausible customer accounts with unique usernames, deterministic for a seed. */
export function generateCustomerProfiles(count: number, seed: string | number = 'customers'): CustomerProfile[] {
  const random = createRandom(`profiles:${seed}`);
  const used = new Set<string>();
  const out: CustomerProfile[] = [];
  while (out.length < count) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    let name = username(random, first, last);
    if (used.has(name.toLowerCase())) name = `${name.slice(0, 11)}${intBetween(random, 1000, 9999)}`;
    if (used.has(name.toLowerCase())) continue;
    used.add(name.toLowerCase());
    const followersCount = logNormal(random, 180, 1.6, 2_500_000);
    const created = Date.UTC(2008, 0, 1) + Math.floor(random() * (Date.UTC(2024, 11, 31) - Date.UTC(2008, 0, 1)));
    out.push({
      username: name,
      name: chance(random, 0.85) ? `${cap(first)} ${cap(last)}` : cap(first),
      description: pick(random, BIO),
      location: pick(random, PLACES),
      verified: followersCount > 50_000 ? chance(random, 0.5) : chance(random, 0.02),
      createdAt: new Date(created).toISOString(),
      followersCount,
      followingCount: logNormal(random, 320, 1.0, 7_500),
      tweetCount: logNormal(random, 1_500, 1.4, 400_000),
      listedCount: Math.round(followersCount / intBetween(random, 80, 400)),
      likeCount: logNormal(random, 4_000, 1.5, 900_000),
    });
  }
  return out;
}
