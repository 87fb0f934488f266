"""The concejo's and the asamblea's part: sessions, debates, sanction and objections."""
