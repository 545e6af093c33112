"""Sign-up, sign-in, token refresh and sign-out, and the signed-in user's own account."""
