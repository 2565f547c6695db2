-- POST /users with a body that parses but fails four constraints
-- (name too short, email invalid, age > 150, password too short): expects 422.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"","email":"not-an-email","age":200,"password":"short"}'
