-- "Production" for the forum-blog example: deterministic (every pseudo-random
-- choice is a hash of the row number), about 290k rows, generated in seconds.
-- Spam accounts are users 97, 194, ... (every 97th: 206 of 20,000); they post a
-- lot, get reported, and are what release 1's 0002_purge_spam_accounts deletes.
CREATE FUNCTION pg_temp.r(g bigint, salt int, n int) RETURNS int
  LANGUAGE sql IMMUTABLE AS $$ SELECT (abs(hashint8(g * 7919 + salt)) % n)::int $$;
CREATE FUNCTION pg_temp.spammer(k bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$ SELECT 97 * (1 + k % 206) $$;

INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined, bio, is_flagged_spam)
OVERRIDING SYSTEM VALUE
SELECT g, 'pbkdf2_sha256$870000$demo$' || md5(g::text),
       CASE WHEN pg_temp.r(g, 1, 100) < 15 THEN NULL ELSE timestamptz '2025-01-01' + pg_temp.r(g, 2, 300) * interval '1 day' END,
       g <= 3, 'member' || g, 'First' || g, 'Last' || g, 'member' || g || '@mail.example',
       g <= 10, true, timestamptz '2019-01-01' + pg_temp.r(g, 3, 2000) * interval '1 day',
       CASE WHEN pg_temp.r(g, 4, 3) = 0 THEN 'Hello, I am member ' || g ELSE '' END,
       g % 97 = 0
FROM generate_series(1, 20000) g;
SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), 20000);

INSERT INTO forum_forum (name, slug) SELECT 'Forum ' || g, 'forum-' || g FROM generate_series(1, 20) g;

-- 30,000 topics; every 25th is spam.
INSERT INTO forum_topic (id, forum_id, poster_id, subject, created, posts_count)
OVERRIDING SYSTEM VALUE
SELECT g, 1 + pg_temp.r(g, 5, 20),
       CASE WHEN g % 25 = 0 THEN pg_temp.spammer(g) ELSE 1 + pg_temp.r(g, 6, 20000) END,
       'Topic ' || g, timestamptz '2021-01-01' + pg_temp.r(g, 7, 1500) * interval '1 day', 0
FROM generate_series(1, 30000) g;
SELECT setval(pg_get_serial_sequence('forum_topic', 'id'), 30000);

-- 150,000 posts: active members write most (low ids), every 30th post is spam.
INSERT INTO forum_post (topic_id, poster_id, content, created)
SELECT 1 + pg_temp.r(g, 8, 30000),
       CASE WHEN g % 30 = 0 THEN pg_temp.spammer(g)
            ELSE 1 + (pg_temp.r(g, 9, 20000)::bigint * pg_temp.r(g, 10, 100) / 100) END,
       'Post body ' || g, timestamptz '2021-01-01' + pg_temp.r(g, 11, 1500) * interval '1 day'
FROM generate_series(1, 150000) g;
UPDATE forum_topic t SET posts_count = c.n FROM (SELECT topic_id, count(*) AS n FROM forum_post GROUP BY 1) c WHERE c.topic_id = t.id;

INSERT INTO forum_integration_trustlevel (user_id, level, score, promoted_at)
SELECT g, pg_temp.r(g, 12, 5), pg_temp.r(g, 13, 1000) / 10.0,
       CASE WHEN pg_temp.r(g, 14, 4) = 0 THEN timestamptz '2024-01-01' + pg_temp.r(g, 15, 365) * interval '1 day' END
FROM generate_series(1, 20000) g;

INSERT INTO forum_integration_readingprogress (user_id, topic_id, last_read)
SELECT 1 + pg_temp.r(g, 16, 20000), 1 + pg_temp.r(g, 17, 30000), timestamptz '2025-01-01' + pg_temp.r(g, 18, 300) * interval '1 day'
FROM generate_series(1, 10000) g;

INSERT INTO forum_integration_useractivity (user_id, last_seen, active_sessions)
SELECT 1 + pg_temp.r(g, 19, 20000), timestamptz '2025-06-01' + pg_temp.r(g, 20, 150) * interval '1 day', pg_temp.r(g, 21, 4)
FROM generate_series(1, 15000) g;

-- 8,000 reports: 40% against spammers.
INSERT INTO forum_integration_reviewqueue (reported_user_id, post_id, topic_id, status, priority, score, created_at)
SELECT CASE WHEN pg_temp.r(g, 22, 10) < 4 THEN pg_temp.spammer(g) ELSE 1 + pg_temp.r(g, 23, 20000) END,
       CASE WHEN g % 3 <> 0 THEN 1 + pg_temp.r(g, 24, 150000) END,
       CASE WHEN g % 3 = 0 THEN 1 + pg_temp.r(g, 25, 30000) END,
       (ARRAY['pending', 'resolved', 'dismissed'])[1 + pg_temp.r(g, 26, 3)], 1 + pg_temp.r(g, 27, 4),
       pg_temp.r(g, 28, 1000) / 10.0, timestamptz '2024-06-01' + pg_temp.r(g, 29, 500) * interval '1 day'
FROM generate_series(1, 8000) g;

-- 12,000 moderation log entries by the 10 staff members.
INSERT INTO forum_integration_moderationlog (action_type, moderator_id, target_user_id, review_item_id, reason, created_at)
SELECT (ARRAY['warn', 'hide_post', 'escalate', 'de_escalate', 'ban'])[1 + pg_temp.r(g, 30, 5)],
       1 + pg_temp.r(g, 31, 10),
       CASE WHEN pg_temp.r(g, 32, 10) < 3 THEN pg_temp.spammer(g) ELSE 1 + pg_temp.r(g, 33, 20000) END,
       CASE WHEN g % 2 = 0 THEN 1 + pg_temp.r(g, 34, 8000) END,
       'Reason ' || g, timestamptz '2024-06-01' + pg_temp.r(g, 35, 500) * interval '1 day'
FROM generate_series(1, 12000) g;

INSERT INTO forum_integration_badge (name) SELECT 'Badge ' || g FROM generate_series(1, 12) g;
INSERT INTO forum_integration_userbadge (user_id, badge_id, awarded_at)
SELECT 1 + pg_temp.r(g, 36, 20000), 1 + pg_temp.r(g, 37, 12), timestamptz '2023-01-01' + pg_temp.r(g, 38, 900) * interval '1 day'
FROM generate_series(1, 9000) g;

-- 3,000 blog pages: 60% still carry the old editor's HTML; 7% never got their forum topic.
INSERT INTO blog_blogpage (title, slug, author_id, body, legacy_html, forum_topic_id, published_at)
SELECT 'Article ' || g, 'article-' || g,
       CASE WHEN pg_temp.r(g, 39, 20) = 0 THEN NULL ELSE 1 + pg_temp.r(g, 40, 200) END,
       'Article body ' || g,
       CASE WHEN pg_temp.r(g, 41, 10) < 6 THEN '<p>Article ' || g || '</p>' END,
       CASE WHEN pg_temp.r(g, 42, 100) < 7 THEN NULL ELSE 1 + pg_temp.r(g, 43, 30000) END,
       timestamptz '2022-01-01' + pg_temp.r(g, 44, 1000) * interval '1 day'
FROM generate_series(1, 3000) g;

INSERT INTO blog_learningindexpage (title) SELECT 'Course ' || g FROM generate_series(1, 50) g;
INSERT INTO blog_exercisepage (page_id, prompt, sequence_number)
SELECT 1 + pg_temp.r(g, 45, 3000), 'Exercise ' || g, CASE WHEN g % 2 = 0 THEN g / 2 END FROM generate_series(1, 1500) g;
INSERT INTO blog_codeplaygroundpage (page_id, language)
SELECT 1 + pg_temp.r(g, 46, 3000), (ARRAY['python', 'javascript', 'sql'])[1 + pg_temp.r(g, 47, 3)] FROM generate_series(1, 400) g;
INSERT INTO blog_courseenrollment (user_id, index_id, enrolled_at)
SELECT 1 + pg_temp.r(g, 48, 20000), 1 + pg_temp.r(g, 49, 50), timestamptz '2024-01-01' + pg_temp.r(g, 50, 600) * interval '1 day'
FROM generate_series(1, 6000) g;
INSERT INTO blog_stepbasedexercisepage (exercise_id, steps)
SELECT 1 + pg_temp.r(g, 51, 1500), jsonb_build_array('step 1', 'step 2') FROM generate_series(1, 800) g;
