// The engine suites of this project connect with client credentials (harness/connectBy.ts).
process.env.ZAPIER_CONNECT_BY = 'clientCredentials';
