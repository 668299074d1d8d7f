// Fragments the traffic generator composes into customer tweets. Plain ASCII plus emoji only, so a
// text's UTF-16 length is an upper bound of its twitter-text weighted length (no "…" or CJK here).
// {slots} are filled from SLOT_VALUES / generated numbers in tweet-text-generator.util.ts.

export type TweetCategory = 'complaint' | 'question' | 'praise' | 'chitchat' | 'followup';

export interface ComplaintTopic {
  topic: string;
  issues: readonly string[];
  details: readonly string[];
}

export const COMPLAINT_TOPICS: readonly ComplaintTopic[] = [
  {
    topic: 'late-order',
    issues: [
      'my order {order} still hasn\'t arrived',
      'order {order} was supposed to be here {weekday} and it\'s nowhere',
      'tracking for {order} hasn\'t moved in {days} days',
      'where is my package?? order {order}',
      'the delivery window for {order} came and went',
      'still waiting on order {order}, placed it {days} days ago',
      'my {product} was due yesterday and the tracking just says "in transit"',
      'paid for express shipping on {order} and it\'s now {days} days late',
      'tracking says delivered but there is no package at my door',
      'estimated delivery for {order} keeps getting pushed back',
    ],
    details: [
      'I needed it for a birthday this weekend',
      'nobody answers the phone line',
      'I\'ve checked with my neighbours twice',
      'the driver never even rang the bell',
      'the app says "processing" since {weekday}',
      'this is the second time this month',
      'I took a day off work to wait for it',
      'your chat bot keeps sending me in circles',
    ],
  },
  {
    topic: 'billing',
    issues: [
      'I was charged twice for order {order}',
      'there\'s a {amount} charge on my card I don\'t recognise',
      'you billed me {amount} after I cancelled my subscription',
      'my invoice shows the {plan} plan but I\'m on basic',
      'got charged {amount} for shipping that was supposed to be free',
      'the promo code {code} didn\'t apply and I paid full price',
      'why did my monthly bill jump to {amount}?',
      'I\'m being charged a late fee for a payment that went through on time',
      'my card got charged but the order shows as failed',
      'auto-renew charged me {amount} without any reminder email',
    ],
    details: [
      'I have the bank statement to prove it',
      'I need that money back before rent is due',
      'support told me it would be fixed in 3-5 days, that was {days} days ago',
      'this is honestly not ok',
      'I\'ve sent two emails already',
      'please sort this out',
      'I\'ve been a customer for {years} years',
    ],
  },
  {
    topic: 'outage',
    issues: [
      'is the app down? nothing loads',
      'your site has been down for {hours} hours',
      'getting "something went wrong" on every page',
      'service has been out in {city} since this morning',
      'the app crashes as soon as I open it',
      'checkout is broken, the pay button does nothing',
      'can\'t load my dashboard, just a spinning wheel',
      'error 503 on everything, is there an outage?',
      'your website keeps timing out',
      'the app won\'t sync since the last update',
    ],
    details: [
      'tried on wifi and on 4G, same thing',
      'already cleared the cache and reinstalled',
      'my whole team is stuck',
      'your status page says everything is fine, it is not',
      'I have a deadline at {time}',
      'on iPhone and Android both',
      'is anyone even aware of this?',
    ],
  },
  {
    topic: 'login',
    issues: [
      'I can\'t log into my account',
      'the password reset email never arrives',
      'I\'m locked out after one wrong password',
      'my 2FA code never comes through',
      'login page just reloads when I press sign in',
      'it says my email isn\'t registered but I\'ve had an account for years',
      'the verification code expired before it even reached me',
      'I keep getting logged out every few minutes',
      'my account got suspended for no reason',
    ],
    details: [
      'checked spam, nothing there',
      'I\'ve tried {count} times now',
      'I need to get my invoices out of there',
      'I changed phones and now I\'m stuck',
      'your help page links back to the login page',
      'this is blocking me from paying my bill',
    ],
  },
  {
    topic: 'refund',
    issues: [
      'still waiting on my refund for {order}',
      'you promised a refund of {amount} {days} days ago',
      'returned the {product} weeks ago and no refund yet',
      'my refund was approved but the money never showed up',
      'why was my refund only {amount} when I paid more?',
      'I was told the refund was processed, my bank says otherwise',
      'sent the item back with tracking, still no refund',
    ],
    details: [
      'the return was signed for on {weekday}',
      'I have the return label receipt',
      'I\'ve been patient but this is ridiculous',
      'every agent tells me something different',
      'I just want my money back',
    ],
  },
  {
    topic: 'damaged',
    issues: [
      'my {product} arrived smashed',
      'the box was soaking wet and the {product} inside is ruined',
      'received the wrong item, ordered a {product}',
      'half my order is missing',
      'the {product} I got is clearly used',
      'my {product} stopped working after {days} days',
      'the seal on my {product} was broken when it arrived',
    ],
    details: [
      'photos attached',
      'I have the unboxing video',
      'it was a gift so this is really embarrassing',
      'what are my options here?',
      'do I need to send it back myself?',
    ],
  },
  {
    topic: 'wait-times',
    issues: [
      'been on hold for {minutes} minutes',
      'your live chat has had me in a queue for over an hour',
      'three days and still no answer to my email',
      'the callback I was promised never happened',
      'I\'ve opened {count} tickets about the same problem',
      'your support line hung up on me twice',
    ],
    details: [
      'is there anyone actually working there?',
      'this is the only way to reach a human apparently',
      'the hold music is burned into my brain',
      'ticket number {code}',
    ],
  },
  {
    topic: 'price',
    issues: [
      'the price of my {plan} plan went up again without notice',
      'the {product} is {amount} cheaper on your own website than in your app',
      'why do loyal customers pay more than new ones?',
      'the sale price disappeared at checkout',
    ],
    details: [
      'thinking of switching honestly',
      'I\'m not the only one noticing this',
      'just want a straight answer',
    ],
  },
];

export const COMPLAINT_OPENERS: readonly string[] = [
  'hey', 'hi', 'hello', 'um', 'seriously', 'ok so', 'not happy', 'come on', 'so', 'help',
  'urgent', 'again', 'once again', 'PLEASE', 'hi there', 'excuse me', 'wow', 'ugh', 'for real', 'hey team',
];

export const COMPLAINT_CLOSERS: readonly string[] = [
  'can someone help?', 'please fix this', 'what is going on?', 'any update?', 'this is unacceptable',
  'I want answers', 'please DM me', 'who do I talk to about this?', 'not impressed', 'sort it out please',
  'how hard can it be?', 'really disappointed', 'can you look into this?', 'fix it please', 'I\'m losing patience',
  'very frustrating', 'need help asap', 'thanks in advance', 'so annoying', 'what a joke',
  'this is the last straw', 'I expected better', 'please respond', 'anyone??', 'hello??',
  'do better', 'at this point I just want it resolved', 'is this normal?', 'please advise', 'waiting for a reply',
];

export const QUESTIONS: readonly string[] = [
  'do you ship to {city}?',
  'what are your opening hours on {weekday}?',
  'how do I change the delivery address on order {order}?',
  'can I return an item I bought {days} days ago?',
  'is the {product} back in stock soon?',
  'how do I cancel my {plan} subscription?',
  'do gift cards expire?',
  'can I use two promo codes on one order?',
  'is there a student discount?',
  'how do I upgrade to the {plan} plan?',
  'do you price match?',
  'how long does standard shipping take to {city}?',
  'is there a way to export my data?',
  'can I pick up my order in store instead?',
  'does the {product} come with a warranty?',
  'how do I turn off the marketing emails?',
  'can I change my username?',
  'is the {plan} plan billed monthly or yearly?',
  'what payment methods do you take?',
  'do you have a loyalty program?',
  'how do I add a second user to my account?',
  'can I pause my subscription for a month?',
  'is the app available on tablets?',
  'can I get an invoice with my company details?',
  'when does the {product} go on sale?',
  'is there a phone number I can call?',
  'do you deliver on weekends?',
  'how do I report a bug in the app?',
  'is my data stored in the EU?',
  'can I change my order after it\'s placed?',
  'is the {weekday} delivery slot still available?',
  'how do I reset my password without access to my old email?',
  'do you offer gift wrapping?',
  'will my order {order} ship before {weekday}?',
  'can I swap the {product} for a different size?',
  'where do I find my order history?',
  'do you have any jobs in {city}?',
  'is the {product} compatible with my old one?',
  'can I get a refund if I cancel mid-month?',
  'how do I enable dark mode?',
];

export const QUESTION_OPENERS: readonly string[] = [
  'quick question:', 'hi!', 'hey there,', 'hello,', 'hi, question', 'sorry to bother you,',
  'morning!', 'hey,', 'hi team,', 'hello hello,', 'random question but', 'can\'t find this anywhere:',
];

export const QUESTION_CLOSERS: readonly string[] = [
  'thanks!', 'thank you', 'cheers', 'thanks in advance', 'ty', 'appreciate it',
  'couldn\'t find it in the FAQ', 'thanks a lot', 'thank you so much', 'much appreciated',
];

export const PRAISE: readonly string[] = [
  'shout out to {agent} from your support team, sorted my issue in {minutes} minutes',
  'just wanted to say thanks for the quick refund',
  'my {product} arrived a day early, love it',
  'best customer service I\'ve had in years',
  'thank you for fixing my account so fast',
  'the new app update is so much smoother',
  'been a customer for {years} years and you never let me down',
  '{agent} on your chat was incredibly patient with me',
  'the {product} is even better than I expected',
  'thanks for replacing my broken {product} no questions asked',
  'your delivery driver in {city} is a legend',
  'love the new {plan} plan, worth every penny',
  'got my refund within a day, impressed',
  'honestly the easiest return I\'ve ever done',
  'the packaging on my order was perfect',
  'thank you for the birthday discount!',
  'whoever designed the new checkout deserves a raise',
  'just wanted to say you\'re doing a great job',
  'fixed in one reply, that\'s how it\'s done',
  'I was ready to be angry but {agent} turned it around completely',
  'my replacement {product} arrived on {weekday}, thank you',
  '{agent} went above and beyond today',
  'the refund of {amount} landed already, thanks',
  'still loving my {product} after {years} years',
  'your team in {city} was super helpful in store today',
  'that was the fastest support chat ever, {minutes} minutes start to finish',
  'order {order} arrived perfectly packed',
  'switched to the {plan} plan and it was painless',
];

export const PRAISE_OPENERS: readonly string[] = [
  'honestly', 'ok', 'just want to say', 'genuinely', 'credit where it\'s due:', 'wow', 'big thanks', 'not gonna lie',
  'have to say', 'quick shout out:', 'update:', 'happy customer here,',
];

export const PRAISE_TAILS: readonly string[] = [
  'you rock', 'thank you!!', 'great job', 'keep it up', 'customer for life', 'so happy',
  'made my day', 'A+ service', 'much love', '10/10', 'well done', 'big thanks',
];

export const CHITCHAT: readonly string[] = [
  'who runs your social media? it\'s hilarious',
  'what\'s everyone at {brand_name} doing this weekend?',
  'your new ad is stuck in my head',
  'hot take: your {product} is the best thing invented this decade',
  'it\'s {weekday} and I\'m already thinking about the weekend',
  'raining again in {city}, perfect day to stay in and shop',
  'is it true you have a dog in the office?',
  'happy friday to the support team!',
  'coffee or tea at {brand_name} HQ?',
  'just saw your billboard in {city}',
  'my cat has claimed the box my {product} came in',
  'big game tonight, who are you rooting for?',
  'can we get a {brand_name} hoodie please',
  'anyone else watching the match?',
  'what\'s the best {product} for a beginner?',
  'I\'d like to thank my {product} for getting me through this week',
  'do you guys do anything fun for the holidays?',
  'sunny in {city} today, finally',
  'me waiting for the weekend like',
  'that meme you posted yesterday was perfect',
  'rate my setup with the new {product}',
  'first time trying the {product}, wish me luck',
  'you should do a collab with a coffee brand',
  'going on a road trip to {city} this weekend',
  'long week, sending good vibes to whoever reads these',
  'my {product} and I are going on a picnic in {city}',
  'how many {product}s is too many? asking for me',
  'happy {weekday} to everyone except my alarm clock',
  'you guys should sponsor the {city} marathon',
  'bet the person running this account had {count} coffees today',
  'the {product} ad with the dog made me cry',
];

export const CHITCHAT_OPENERS: readonly string[] = [
  'random thought:', 'ok so', 'serious question:', 'real talk', 'lol', 'hey', 'morning', 'friendly reminder:',
  'PSA:', 'fun fact:',
];

export const CHITCHAT_TAILS: readonly string[] = [
  'lol', 'haha', 'just saying', 'no pressure', 'asking for a friend', 'thoughts?',
  'anyway have a good one', 'ok bye', 'be honest', 'iykyk',
];

export const FOLLOWUPS: readonly string[] = [
  'any update on this?',
  'still waiting',
  'it\'s been {hours} hours and nothing',
  'ok, sent you a DM',
  'thanks, that fixed it!',
  'that didn\'t work, same problem',
  'hello? anyone?',
  'just checked again, still not resolved',
  'great, thank you for the quick reply',
  'I followed the steps, no luck',
  'the link you sent doesn\'t work',
  'ok will try that',
  'order number is {order}',
  'DM\'d you my details',
  'perfect, all sorted now',
  'still broken on my end',
  'can you escalate this please?',
  'thanks {agent}, appreciate it',
  'no reply to my DM yet',
  'it worked after a restart, thanks',
  'really? that\'s the answer?',
  'I already tried that twice',
  'ok thanks for letting me know',
  'any ETA?',
  'so what happens now?',
  'any news? it\'s been {days} days',
  'replied to your DM {hours} hours ago',
  'still seeing the same error on {weekday}',
  'just tried again at {time}, nothing',
  'ticket {code} if that helps',
];

export const ANGRY_EMOJI: readonly string[] = ['😡', '😤', '🙄', '😠', '🤬', '😩', '😒', '💀', '😞'];
export const HAPPY_EMOJI: readonly string[] = ['🙏', '❤️', '🙌', '😊', '🎉', '👏', '💯', '🥳', '✨', '😍'];
export const CHAT_EMOJI: readonly string[] = ['😂', '🤣', '😅', '👀', '☕', '🌧️', '☀️', '🐱', '🍕', '🎮'];

export const SLOT_VALUES = {
  product: [
    'headphones', 'blender', 'phone case', 'laptop stand', 'coffee machine', 'sneakers', 'jacket',
    'smart watch', 'desk lamp', 'router', 'air fryer', 'backpack', 'keyboard', 'vacuum', 'monitor',
    'gift box', 'yoga mat', 'phone charger', 'water bottle', 'office chair',
  ],
  city: [
    'London', 'Manchester', 'Dublin', 'Berlin', 'Paris', 'Madrid', 'Lisbon', 'Austin', 'Denver',
    'Toronto', 'Chicago', 'Seattle', 'Sydney', 'Melbourne', 'Cape Town', 'Lagos', 'Mumbai', 'Glasgow',
    'Amsterdam', 'Brooklyn',
  ],
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  agent: ['Sam', 'Priya', 'Jordan', 'Alex', 'Maria', 'Tom', 'Aisha', 'Chen', 'Lucas', 'Nina', 'Omar', 'Jess'],
  plan: ['Plus', 'Premium', 'Pro', 'Family', 'Business', 'Unlimited'],
  time: ['9am', '10am', 'noon', '2pm', '3pm', '5pm', '6pm', 'midnight'],
} as const;
