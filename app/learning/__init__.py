"""Self-paced courses: catalogue, lessons, quizzes, certificates and the leaders' overview."""
