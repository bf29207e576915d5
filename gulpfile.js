const { src, dest } = require('gulp');

/** Icons and codex files are not TypeScript: copy them next to the compiled node. */
function copyStaticFiles() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = copyStaticFiles;
