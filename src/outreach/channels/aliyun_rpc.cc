#include "outreach/channels/aliyun_rpc.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

std::string AliyunCanonicalQuery(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += UrlEncode(name);
    out += '=';
    out += UrlEncode(value);
  }
  return out;
}

std::string AliyunRpcSignature(std::string_view method, const std::map<std::string, std::string>& params,
                               std::string_view access_key_secret) {
  const std::string to_sign = std::string(method) + "&%2F&" + UrlEncode(AliyunCanonicalQuery(params));
  const std::string key = std::string(access_key_secret) + "&";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &len);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, mac, static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(n));
}

std::string AliyunSignedQuery(std::string_view method, const std::map<std::string, std::string>& params,
                              std::string_view access_key_secret) {
  return AliyunCanonicalQuery(params) +
         "&Signature=" + UrlEncode(AliyunRpcSignature(method, params, access_key_secret));
}

}  // namespace tagloop::outreach
