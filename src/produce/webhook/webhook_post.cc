#include "produce/webhook/webhook_post.h"

#include <curl/curl.h>

#include <cstdio>
#include <mutex>

extern "C" __attribute__((visibility("default"))) int tagloop_webhook_post(const char* url, const char* body,
                                                                          size_t size, long timeout_ms,
                                                                          long* http_status, char* error,
                                                                          size_t error_size) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (error_size > 0) error[0] = '\0';
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    std::snprintf(error, error_size, "cannot create a curl handle");
    return CURLE_FAILED_INIT;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(size));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t n, size_t m, void*) { return n * m; });
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  *http_status = code;
  // curl_easy_strerror names the kind of failure, never the URL.
  if (rc != CURLE_OK) std::snprintf(error, error_size, "%s", curl_easy_strerror(rc));
  return rc;
}
