import { defineConfig } from 'vite';

// The build is committed (web/console/dist) and CI rebuilds it and fails on any difference,
// so it must be the same bytes on every machine: relative URLs (the console is served under
// /console/ by the binary), no module-preload polyfill (an inline script the server's
// Content-Security-Policy would refuse), content-hashed file names and no source maps.
export default defineConfig({
  base: './',
  build: {
    outDir: '../web/console/dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // The licences of the bundled packages, served beside the code (assets/licenses.md).
    license: { fileName: 'assets/licenses.md' },
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // The build's timings are noise in CI's log.
      checks: { pluginTimings: false },
      output: {
        // Cytoscape is most of the bundle and changes least: a file of its own, cached apart;
        // Chart.js (with its colour helper, and src/chartjs.js, which registers its parts) likewise.
        manualChunks(id) {
          if (id.includes('node_modules/cytoscape')) return 'cytoscape';
          if (id.includes('node_modules/chart.js') || id.includes('node_modules/@kurkle/color') || id.endsWith('/src/chartjs.js')) return 'chartjs';
          return undefined;
        },
      },
    },
  },
});
