/** The start page when the web UI has not been built (web/dist missing): where things are, Chinese first. */
export function homePage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dangan 电子档案管理系统</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1f2328;line-height:1.7}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}h1{font-size:1.6rem}</style></head>
<body>
<h1>dangan 电子档案管理系统</h1>
<p>服务已启动，但网页工作台尚未构建：请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。命令行和 REST API 可以照常使用。</p>
<ul>
<li><a href="/api/docs">接口文档（OpenAPI 3.1）</a> · <a href="/api/openapi.json">openapi.json</a></li>
<li>登录：<code>POST /api/v1/auth/login</code>，首次启动时日志中会打印管理员的一次性密码。</li>
<li>健康检查：<a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul>
<p lang="en">dangan electronic archive system is running. The web workbench has not been built: run npm run build:web (npm start builds it). The CLI and the REST API work as usual.</p>
</body></html>`;
}
