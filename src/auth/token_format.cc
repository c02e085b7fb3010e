#include "auth/token_format.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace tagloop {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string EncodeBase64Url(const uint8_t* p, size_t n) {
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{p[i]} << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

// Fetched once: OpenSSL 3's implicit fetch inside EVP_Digest* costs a lookup
// under a lock on every call, which would dominate a 1 us hash.
const EVP_MD* Sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Result<std::string> GenerateTokenSecret() {
  uint8_t bytes[kTokenSecretBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::Internal("the random number generator failed; no token was created");
  }
  std::string secret(kTokenPrefix);
  secret += EncodeBase64Url(bytes, sizeof bytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  return secret;
}

bool IsWellFormedTokenSecret(std::string_view s) {
  if (s.size() != kTokenLength || s.substr(0, kTokenPrefix.size()) != kTokenPrefix) return false;
  for (char c : s.substr(kTokenPrefix.size())) {
    if (!IsBase64Url(c)) return false;
  }
  return true;
}

Result<TokenHash> HashTokenSecret(std::string_view secret) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = Sha256();
  TokenHash out;
  unsigned int len = 0;
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return Status::Internal("SHA-256 failed in OpenSSL");
  }
  return out;
}

bool TokenHashEquals(const TokenHash& a, const TokenHash& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string_view> ParseBearerHeader(std::string_view header) {
  if (header.empty()) return Status::Unauthenticated("missing 'Authorization: Bearer <token>' header");
  constexpr std::string_view kScheme = "bearer";
  bool bearer =
      header.size() > kScheme.size() && (header[kScheme.size()] == ' ' || header[kScheme.size()] == '\t');
  for (size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = (header[i] | 0x20) == kScheme[i];
  }
  if (!bearer) return Status::Unauthenticated("the Authorization header must use the Bearer scheme");
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty()) return Status::Unauthenticated("the Authorization header has no token after 'Bearer'");
  return token;
}

bool RedactTokenSecrets(std::string& text) {
  constexpr size_t kBody = kTokenLength - kTokenPrefix.size();
  bool replaced = false;
  size_t pos = 0;
  while ((pos = text.find(kTokenPrefix, pos)) != std::string::npos) {
    size_t start = pos + kTokenPrefix.size();
    size_t end = start;
    while (end < text.size() && IsBase64Url(text[end])) ++end;
    // "tl_" inside a longer word ("xtl_...") is still a leaked token: do not
    // look at what precedes the prefix.
    if (end - start == kBody) {
      text.replace(start, kBody, "[redacted]");
      replaced = true;
      pos = start + 10;
    } else {
      pos = start;  // a secret may still start inside this run ("tl_xtl_...")
    }
  }
  return replaced;
}

}  // namespace tagloop
