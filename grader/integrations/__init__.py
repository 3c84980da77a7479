"""What other platforms need to run `grade`: a Gradescope autograder bundle and a GitHub Actions
workflow for a student's repository. The scripts themselves are templates in templates/."""
