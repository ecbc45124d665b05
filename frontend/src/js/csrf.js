// The CSRF token for fetch() calls to the API: Django's cookie (CSRF_COOKIE_HTTPONLY is off).
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
