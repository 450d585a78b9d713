// Preloaded into a process whose peak memory a benchmark reports: prints its peak RSS (MB, 10^6 bytes) on stderr at exit.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\npeak-rss-mb ${((process.resourceUsage().maxRSS * 1024) / 1e6).toFixed(0)}\n`);
});
