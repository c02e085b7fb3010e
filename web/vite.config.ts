// Vite builds the UI into web/dist, which `tagloop serve` serves at "/".
// `npm run dev` serves it with hot reload and forwards /api to a running
// server (TAGLOOP_API, default http://127.0.0.1:8080).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": process.env.TAGLOOP_API ?? "http://127.0.0.1:8080" },
  },
});
