/** One style for all the code, so that review is about what it does. */
module.exports = {
	useTabs: true,
	tabWidth: 2,
	printWidth: 140,
	singleQuote: true,
	semi: true,
	trailingComma: 'all',
	arrowParens: 'always',
	quoteProps: 'as-needed',
	endOfLine: 'lf',
};
